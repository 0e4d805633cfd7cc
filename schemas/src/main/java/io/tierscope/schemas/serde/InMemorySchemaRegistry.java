package io.tierscope.schemas.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A registry held in memory, for topology tests (TopologyTestDriver) that need no broker and so no
 * registry either: global ids from 1 in registration order, one id per distinct schema, answers
 * and failures (404 for an unknown id or an unregistered schema) as the REST registry gives them.
 * Compatibility rules are not checked: tests of schema evolution use the real registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final List<Schema> schemas = new ArrayList<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new HashMap<>();

    @Override
    public String baseUrl() {
        return "in-memory";
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(subject + '\0' + schema, k -> {
            int existing = schemas.indexOf(schema);
            if (existing >= 0) {
                return existing + 1;
            }
            schemas.add(schema);
            return schemas.size();
        });
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        Integer id = idsBySubjectAndSchema.get(subject + '\0' + schema);
        if (id == null) {
            throw new SchemaRegistryException("schema not registered under subject " + subject + " at " + baseUrl(),
                    404, null);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new SchemaRegistryException("no schema with id " + id + " at " + baseUrl(), 404, null);
        }
        return schemas.get(id - 1);
    }
}
