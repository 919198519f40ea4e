package io.github.qmig.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a byte offset given on the command line; a negative or non-numeric one is a usage error. */
public final class Offsets implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        long offset;
        try {
            offset = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a byte offset");
        }
        if (offset < 0) {
            throw new TypeConversionException("a byte offset must not be negative (was " + value + ")");
        }
        return offset;
    }
}
