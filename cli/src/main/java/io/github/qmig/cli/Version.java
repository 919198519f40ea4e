package io.github.qmig.cli;

import picocli.CommandLine;

/** Version from the jar manifest (falls back to "dev" when run from classes). */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = QmigCli.class.getPackage().getImplementationVersion();
        return new String[] {"qmig " + (v != null ? v : "dev"), "Java " + System.getProperty("java.version")};
    }
}
