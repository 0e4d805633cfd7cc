package io.tierscope.query;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/** Avro records as plain maps and lists (field names as in the .avsc), ready for a JSON mapper. */
public final class Json {
    private Json() {
    }

    /** The record's fields in schema order; bytes fields become their length ({@code <field>Bytes}). */
    public static Map<String, Object> of(IndexedRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            if (value instanceof ByteBuffer bytes) {
                out.put(field.name() + "Bytes", bytes.remaining());
            } else {
                out.put(field.name(), value(value));
            }
        }
        return out;
    }

    private static Object value(Object value) {
        if (value instanceof IndexedRecord r) {
            return of(r);
        }
        if (value instanceof CharSequence || value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>(c.size());
            for (Object o : c) {
                list.add(value(o));
            }
            return list;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(k.toString(), value(v)));
            return map;
        }
        if (value instanceof ByteBuffer b) {
            return b.remaining();
        }
        return value;
    }
}
