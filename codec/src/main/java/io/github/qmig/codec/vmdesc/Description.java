package io.github.qmig.codec.vmdesc;

import io.github.qmig.codec.MigrationFormatException;
import io.github.qmig.codec.ReadLimits;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed VMDESCRIPTION, the JSON QEMU writes after the EOF record (migration/savevm.c
 * {@code qemu_savevm_state_complete_precopy_non_iterable}):
 *
 * <pre>
 * { "configuration": {vmsd},  "page_size": 4096,
 *   "devices": [ {"name", "instance_id", "vmsd_name", "version", "fields": [...], "subsections": [...]}, ... ] }
 * </pre>
 *
 * {@code devices[k]} describes the k-th FULL section of the stream; {@link DeviceEntry#payloadLength()}
 * is how the reader delimits device sections, the fields are how {@code dump} decodes them and how
 * {@code validate} cross-checks them. The one parser is {@link DescriptionParser}; the one writer
 * {@link DescriptionWriter}.
 *
 * <p>Names: the stream's idstrs are bytes (the reader keeps them as ISO-8859-1 characters), the
 * JSON's names are UTF-8 text; {@link #jsonName} turns the first into the second, and every lookup
 * goes through it.
 *
 */
public final class Description {

    private record Key(String name, long instanceId) {
    }

    private final int pageSize;
    private final Vmsd configuration;
    private final List<DeviceEntry> devices;
    private final long[] configurationSpan;
    private final JsonForm form;
    /** The last entry of each identity. */
    private final Map<Key, DeviceEntry> byKey = new HashMap<>();

    /**
     * @param pageSize          {@code page_size}, or 0 if absent
     * @param configuration     {@code configuration} (QEMU 8.2+ with a CONFIGURATION record), or null
     * @param devices           {@code devices} in order
     * @param configurationSpan the byte offsets {start, end} of the configuration object in the JSON,
     *                          or null
     * @param form              how the root object looked in the JSON
     */
    public Description(int pageSize, Vmsd configuration, List<DeviceEntry> devices, long[] configurationSpan,
                       JsonForm form) {
        this.pageSize = pageSize;
        this.configuration = configuration;
        this.devices = List.copyOf(devices);
        this.configurationSpan = configurationSpan == null ? null : configurationSpan.clone();
        this.form = form;
        for (DeviceEntry d : this.devices) {
            byKey.put(new Key(d.name(), d.instanceId()), d);
        }
    }

    public int pageSize() {
        return pageSize;
    }

    public Vmsd configuration() {
        return configuration;
    }

    public List<DeviceEntry> devices() {
        return devices;
    }

    /** The byte offsets {start, end} of the configuration object in the JSON, or null. */
    public long[] configurationSpan() {
        return configurationSpan == null ? null : configurationSpan.clone();
    }

    public JsonForm form() {
        return form;
    }

    /** Parses {@code json} within {@code limits}; see {@link DescriptionParser#parse}. */
    public static Description parse(byte[] json, ReadLimits limits) throws MigrationFormatException {
        return DescriptionParser.parse(json, limits);
    }

    /** Parses {@code json}, which starts at {@code jsonOffset} of the stream; see {@link DescriptionParser#parse}. */
    public static Description parse(byte[] json, long jsonOffset, ReadLimits limits) throws MigrationFormatException {
        return DescriptionParser.parse(json, jsonOffset, limits);
    }

    /** A stream idstr (bytes as ISO-8859-1 characters) as the JSON spells it (UTF-8); ASCII is unchanged. */
    public static String jsonName(String streamIdstr) {
        return new String(streamIdstr.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /**
     * The entry for the {@code k}-th FULL section, named {@code streamIdstr} with {@code instanceId}:
     * {@code devices[k]} if it has that identity, else the last entry that has it; null if none.
     */
    public DeviceEntry device(int k, String streamIdstr, long instanceId) {
        String name = jsonName(streamIdstr);
        if (k >= 0 && k < devices.size()) {
            DeviceEntry d = devices.get(k);
            if (d.name().equals(name) && d.instanceId() == instanceId) {
                return d;
            }
        }
        return byKey(name, instanceId);
    }

    /** The last entry named {@code streamIdstr} with {@code instanceId} (how analyze-migration.py looks up), or null. */
    public DeviceEntry deviceByKey(String streamIdstr, long instanceId) {
        return byKey(jsonName(streamIdstr), instanceId);
    }

    private DeviceEntry byKey(String name, long instanceId) {
        return byKey.get(new Key(name, instanceId));
    }

    /** The whole description as JSON values (ordered maps, lists, scalars), as it was read. */
    public Object toJson() {
        return DescriptionWriter.toJson(this);
    }
}
