package io.tierscope.collector.cli;

import java.util.Map;

/**
 * One source of one VM to run, from the command line or a config file line.
 *
 * @param params the source's settings (keys of {@link SourceKind#keys()})
 * @param origin where it was given, for error messages ("hosts.conf:12", "command line")
 */
public record VmSource(String vmId, SourceKind kind, Map<String, String> params, String origin) {
    public VmSource {
        params = Map.copyOf(params);
    }

    public String param(String key, String dflt) {
        return params.getOrDefault(key, dflt);
    }

    /** The parameter, or an error naming the VM and origin when it is missing. */
    public String required(String key) {
        String v = params.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(origin + ": VM " + vmId + " (" + kind + ") needs " + key + "=...");
        }
        return v;
    }

    public long longParam(String key, long dflt) {
        String v = params.get(key);
        try {
            return v == null ? dflt : Long.parseLong(v.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(origin + ": VM " + vmId + ": " + key + " must be an integer, got '" + v + "'");
        }
    }

    public double doubleParam(String key, double dflt) {
        String v = params.get(key);
        try {
            return v == null ? dflt : Double.parseDouble(v.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(origin + ": VM " + vmId + ": " + key + " must be a number, got '" + v + "'");
        }
    }
}
