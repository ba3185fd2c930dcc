import ChurnState

extension Alert {
    /// The alert as one `churn-alert/v1` JSON object (UTF-8, no trailing newline).
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 2048)
        w.beginObject()
        w.field("schema", Alert.schemaName)
        w.field("alert_id", alertId)
        w.field("client_id", clientId)
        w.field("kind", kind.rawValue)
        w.field("cause", cause.rawValue)
        w.field("trigger", trigger.rawValue)
        w.field("probability", probability)
        w.field("decision_value", decisionValue)
        w.field("profit", profit)
        w.key("thresholds")
        w.beginObject()
        w.field("probability", policy.probabilityThreshold)
        w.field("profit", policy.profitThreshold)
        w.field("probability_margin", policy.probabilityMargin)
        w.field("profit_margin", policy.profitMargin)
        w.endObject()
        w.field("model_version", modelVersion)
        w.field("event_time", RFC3339.format(millis: eventTimeMillis))
        w.key("source")
        w.beginObject()
        w.field("topic", source.topic)
        w.field("partition", Int64(source.partition))
        w.field("offset", source.offset)
        w.fieldOrNull("event_id", source.eventId)
        w.endObject()
        w.key("contributions")
        w.beginArray()
        for c in contributions {
            w.beginObject()
            w.field("feature", c.feature)
            w.field("value", c.value)
            w.field("contribution", c.contribution)
            w.endObject()
        }
        w.endArray()
        w.key("recommendations")
        w.beginArray()
        for r in recommendations {
            w.beginObject()
            w.field("action", r.action)
            w.field("feature", r.feature)
            w.field("value", r.value)
            w.field("reference", r.reference)
            w.field("target", r.target)
            w.field("probability_if", r.probabilityIf)
            w.field("effect", r.effect)
            w.field("text", r.text)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}
