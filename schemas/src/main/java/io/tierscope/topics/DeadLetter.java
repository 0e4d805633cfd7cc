package io.tierscope.topics;

/** Header names on {@link Topic#DEAD_LETTER} records. The record's key and value are the original bytes. */
public final class DeadLetter {
    /** Why the record was rejected, UTF-8 text. */
    public static final String REASON = "tierscope.dlq.reason";
    /** Topic the record came from. */
    public static final String SOURCE_TOPIC = "tierscope.dlq.topic";
    /** Partition it came from, decimal text. */
    public static final String SOURCE_PARTITION = "tierscope.dlq.partition";
    /** Offset it came from, decimal text. */
    public static final String SOURCE_OFFSET = "tierscope.dlq.offset";
    /** The record's original timestamp, decimal text (the dead letter itself is stamped when it was rejected). */
    public static final String SOURCE_TIMESTAMP = "tierscope.dlq.timestamp";
    /** Component that rejected it (e.g. "streams-app/mrc"). */
    public static final String REJECTED_BY = "tierscope.dlq.rejected-by";

    private DeadLetter() {
    }
}
