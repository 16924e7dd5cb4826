import Foundation
import PalisadeEvents
import SwiftProtobuf

/// The change event of a watched document's new version: seed 001's change event with the
/// watcher diff payload (watcher_id, change_type, old_value, new_value, affected_routes).
enum ChangeEventBuilder {
    static func event(for source: Source, tenantID: UUID, oldContent: String, newContent: String, newHash: String,
                      routes: [String], now: Date = Date()) -> Palisade_V1_ChangeEvent {
        let values = DocumentDiff.values(old: oldContent, new: newContent)
        let eventID = "chg-\(source.watcherID.uuidString.lowercased().prefix(8))-\(newHash.prefix(16))"
        let type = "watcher.\(source.classification).change"
        let summary = "\(source.name) changed"
        let impact = routes.isEmpty ? "no route has called \(source.provider) yet" : "\(routes.count) route(s) call \(source.provider)"
        let json = JSONValue.object([
            "event_id": .string(eventID),
            "type": .string(type),
            "provider": .string(source.provider),
            "timestamp": .string(RFC3339.format(now)),
            "payload": .object([
                "change_id": .string(eventID),
                "summary": .string(summary),
                "impact": .string(impact),
                "watcher_id": .string(source.watcherID.uuidString.lowercased()),
                "change_type": .string(source.classification),
                "old_value": values.old,
                "new_value": values.new,
                "affected_routes": .array(routes.map(JSONValue.string)),
                "source_url": .string(source.url),
                "severity": .string(source.severity.rawValue),
            ]),
        ])
        var event = Palisade_V1_ChangeEvent()
        event.tenantID = tenantID.uuidString.lowercased()
        event.eventID = eventID
        event.type = type
        event.provider = source.provider
        event.timestamp = Google_Protobuf_Timestamp(date: now)
        event.changeID = eventID
        event.summary = summary
        event.impact = impact
        event.sourceURL = source.url
        event.classification = source.classification
        event.severity = source.severity.rawValue
        event.affectedAssets = routes
        event.json = json.canonicalJSON()
        event.receivedAt = Google_Protobuf_Timestamp(date: now)
        event.requestID = "watcher-\(eventID)"
        return event
    }
}
