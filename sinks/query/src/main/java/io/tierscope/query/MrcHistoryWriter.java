package io.tierscope.query;

import io.tierscope.avro.MissRatioCurve;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/** Files each per-window curve under its VM at the window's start. */
final class MrcHistoryWriter implements Processor<String, MissRatioCurve, Void, Void> {
    private WindowStore<String, MissRatioCurve> history;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        history = context.getStateStore(QueryTopology.MRC_HISTORY);
    }

    @Override
    public void process(Record<String, MissRatioCurve> record) {
        if (record.key() != null) {
            history.put(record.key(), record.value(), record.value().getWindowStartMs());
        }
    }
}
