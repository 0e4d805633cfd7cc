package io.tierscope.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough of a JSON reader to check the simulator's output (objects, arrays, strings, numbers, booleans, null). */
final class MiniJson {
    private final String s;
    private int at;

    private MiniJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        MiniJson p = new MiniJson(text);
        Object v = p.value();
        p.space();
        if (p.at != text.length()) {
            throw new IllegalArgumentException("trailing input at " + p.at);
        }
        return v;
    }

    private void space() {
        while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
            at++;
        }
    }

    private Object value() {
        space();
        char c = s.charAt(at);
        if (c == '{') {
            Map<String, Object> m = new LinkedHashMap<>();
            at++;
            space();
            if (s.charAt(at) == '}') {
                at++;
                return m;
            }
            do {
                space();
                String k = string();
                space();
                expect(':');
                m.put(k, value());
                space();
            } while (s.charAt(at++) == ',');
            if (s.charAt(at - 1) != '}') {
                throw new IllegalArgumentException("expected } at " + (at - 1));
            }
            return m;
        }
        if (c == '[') {
            List<Object> l = new ArrayList<>();
            at++;
            space();
            if (s.charAt(at) == ']') {
                at++;
                return l;
            }
            do {
                l.add(value());
                space();
            } while (s.charAt(at++) == ',');
            if (s.charAt(at - 1) != ']') {
                throw new IllegalArgumentException("expected ] at " + (at - 1));
            }
            return l;
        }
        if (c == '"') {
            return string();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (s.startsWith(word, at)) {
                at += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        int start = at;
        while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
            at++;
        }
        return Double.parseDouble(s.substring(start, at));
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (s.charAt(at) != '"') {
            char c = s.charAt(at++);
            if (c == '\\') {
                char e = s.charAt(at++);
                b.append(e == 'u' ? (char) Integer.parseInt(s.substring(at, at += 4), 16) : e);
            } else {
                b.append(c);
            }
        }
        at++;
        return b.toString();
    }

    private void expect(char c) {
        if (s.charAt(at) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + at);
        }
        at++;
    }
}
