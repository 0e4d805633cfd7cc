package io.tierscope.cli;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/** The known key a mistyped one most likely meant, for "unknown key ...; did you mean ...?" messages. */
public final class NearestKey {
    private NearestKey() {
    }

    /** The known key closest to {@code key} by edit distance, if close enough to be a typo of it. */
    public static Optional<String> of(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Math.max(2, key.length() / 6) + 1;
        for (String candidate : new TreeSet<>(known)) {
            int d = editDistance(key, candidate, bestDistance);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance, or {@code limit} once it reaches it (enough to rank candidates). */
    private static int editDistance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return Math.min(previous[b.length()], limit);
    }
}
