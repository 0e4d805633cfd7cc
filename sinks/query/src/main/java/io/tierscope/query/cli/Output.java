package io.tierscope.query.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Prints an answer: JSON as the API gives it, or its rows as an aligned table or as CSV (RFC 4180). */
final class Output {
    enum Format { table, json, csv }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Output() {
    }

    static void print(JsonNode answer, JsonNode rows, Format format, PrintWriter out) throws JsonProcessingException {
        if (format == Format.json) {
            out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            return;
        }
        Set<String> columns = new LinkedHashSet<>();
        for (JsonNode row : rows) {
            row.fieldNames().forEachRemaining(columns::add);
        }
        List<List<String>> cells = new ArrayList<>();
        for (JsonNode row : rows) {
            List<String> line = new ArrayList<>();
            for (String c : columns) {
                line.add(cell(row.get(c)));
            }
            cells.add(line);
        }
        if (format == Format.csv) {
            out.println(String.join(",", columns.stream().map(Output::csv).toList()));
            for (List<String> line : cells) {
                out.println(String.join(",", line.stream().map(Output::csv).toList()));
            }
            return;
        }
        if (columns.isEmpty()) {
            out.println("(nothing)");
            return;
        }
        List<String> header = new ArrayList<>(columns);
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> line : cells) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        out.println(line(header, width, rows, header));
        for (List<String> line : cells) {
            out.println(line(line, width, rows, header));
        }
    }

    private static String line(List<String> values, int[] width, JsonNode rows, List<String> header) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            boolean numeric = isNumericColumn(rows, header.get(i));
            String v = values.get(i);
            String pad = " ".repeat(width[i] - v.length());
            b.append(numeric ? pad + v : v + pad);
            if (i < values.size() - 1) {
                b.append("  ");
            }
        }
        return b.toString().stripTrailing();
    }

    private static boolean isNumericColumn(JsonNode rows, String column) {
        Iterator<JsonNode> it = rows.elements();
        while (it.hasNext()) {
            JsonNode v = it.next().get(column);
            if (v != null && !v.isNull() && !v.isNumber()) {
                return false;
            }
        }
        return true;
    }

    private static String cell(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        return v.toString();
    }

    private static String csv(String v) {
        if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
