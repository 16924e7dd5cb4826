import PalisadeLedger
import Testing

@Suite struct AuditChainTests {
    func chain(_ count: Int) -> [(record: LedgerRecord, hash: [UInt8])] {
        var previous = AuditChain.genesis
        return (1...count).map { sequence in
            let record = LedgerRecord(
                tenantID: "t", sequence: Int64(sequence), entryID: "e\(sequence)", kind: "policy.result",
                actor: "service:policy", occurredAt: "2024-03-15T14:30:00.000Z", requestID: "r",
                subject: #"{"n":\#(sequence),"text":"a \"quoted\"\nline"}"#
            )
            previous = AuditChain.link(previous: previous, record: record)
            return (record, previous)
        }
    }

    func verify(_ rows: [(record: LedgerRecord, hash: [UInt8])], head: (Int64, [UInt8])) -> ChainVerifier {
        var verifier = ChainVerifier()
        for row in rows where !verifier.feed(row.record, storedHash: row.hash) { break }
        verifier.finish(headSequence: head.0, headHash: head.1)
        return verifier
    }

    @Test func anIntactChainVerifies() {
        let rows = chain(5)
        let verifier = verify(rows, head: (5, rows[4].hash))
        #expect(verifier.failure == nil)
        #expect(verifier.checked == 5)
    }

    @Test func anEditedRecordIsNamed() {
        var rows = chain(5)
        rows[2].record.subject = #"{"n":3,"text":"rewritten"}"#
        #expect(verify(rows, head: (5, rows[4].hash)).failure?.sequence == 3)
    }

    @Test func aDeletedRecordBreaksTheNextLink() {
        var rows = chain(5)
        rows.remove(at: 1)
        #expect(verify(rows, head: (5, rows[3].hash)).failure?.sequence == 2)
    }

    @Test func swappedRecordsAreCaught() {
        var rows = chain(5)
        rows.swapAt(1, 2)
        #expect(verify(rows, head: (5, rows[4].hash)).failure?.sequence == 2)
        // Renumbered to look in order: the sequence is hashed, so the hash no longer matches.
        var renumbered = chain(5)
        let second = renumbered[1]
        renumbered[1] = renumbered[2]
        renumbered[1].record.sequence = 2
        renumbered[2] = second
        renumbered[2].record.sequence = 3
        #expect(verify(renumbered, head: (5, renumbered[4].hash)).failure?.sequence == 2)
    }

    @Test func aDeletedTailIsCaughtByTheHead() {
        let rows = chain(5)
        #expect(verify(Array(rows.prefix(4)), head: (5, rows[4].hash)).failure?.sequence == 5)
    }

    @Test func canonicalBytesSortKeysAndEscape() {
        let record = chain(1)[0].record
        let text = String(decoding: record.canonicalBytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"actor":"service:policy","entry_id":"e1","kind":"policy.result","#))
        #expect(text.contains(#""sequence":1,"subject":{"n":1,"#))
    }
}
