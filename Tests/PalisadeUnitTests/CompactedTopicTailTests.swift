import PalisadeKafka
import Testing

@Suite struct CompactedTopicTailTests {
    @Test func aKeysLastRecordIsKeptEvenWhenAnEarlierOneCarriedMore() {
        var tail = CompactedTopicTail<Int>()
        tail.note(key: "a", partition: 0, offset: 0, value: 1)
        tail.note(key: "a", partition: 0, offset: 1, value: 3)
        // Revision 2 published late lands last: that is what compaction will leave.
        tail.note(key: "a", partition: 0, offset: 2, value: 2)
        tail.note(key: "b", partition: 1, offset: 0, value: 7)
        #expect(tail.records["a"]?.value == 2)
        #expect(tail.records["a"]?.offset == 2)
        #expect(tail.records["b"]?.value == 7)
        #expect(tail.positions == [0: 3, 1: 1])
    }

    @Test func readingUpToTheEndsCountsEveryPartitionThatHasRecords() {
        var tail = CompactedTopicTail<Int>()
        #expect(tail.hasRead(upTo: [0: 0, 1: 0]))
        #expect(!tail.hasRead(upTo: [0: 2, 1: 0]))
        tail.note(key: "a", partition: 0, offset: 0, value: 1)
        #expect(!tail.hasRead(upTo: [0: 2, 1: 0]))
        tail.note(key: "a", partition: 0, offset: 1, value: 2)
        #expect(tail.hasRead(upTo: [0: 2, 1: 0]))
        #expect(!tail.hasRead(upTo: [0: 2, 1: 1]))
    }

    @Test func anOffsetGoingBackForgetsWhatWasReadOfThatPartitionOnly() {
        var tail = CompactedTopicTail<Int>()
        tail.note(key: "a", partition: 0, offset: 5, value: 1)
        tail.note(key: "b", partition: 0, offset: 6, value: 1)
        tail.note(key: "c", partition: 1, offset: 2, value: 1)
        let onwards = tail.note(key: "b", partition: 0, offset: 7, value: 2)
        #expect(!onwards)
        // The partition read again from the start of a new log.
        let back = tail.note(key: "b", partition: 0, offset: 0, value: 3)
        #expect(back)
        #expect(tail.records["a"] == nil)
        #expect(tail.records["b"]?.value == 3)
        #expect(tail.records["c"]?.value == 1)
        #expect(tail.positions == [0: 1, 1: 3])
    }

    @Test func aLogEndingBeforeWhereTheReaderGotIsForgotten() {
        var tail = CompactedTopicTail<Int>()
        tail.note(key: "a", partition: 0, offset: 4, value: 1)
        tail.note(key: "b", partition: 1, offset: 0, value: 1)
        tail.note(key: "c", partition: 2, offset: 9, value: 1)
        // Partition 0 ends at 2 now (recreated), 1 grew, 2 ends where it did.
        let recreated = tail.forgetReplaced(ends: [0: 2, 1: 4, 2: 10], read: tail.positions)
        #expect(recreated == [0])
        #expect(tail.records["a"] == nil)
        #expect(tail.records["b"] != nil && tail.records["c"] != nil)
        #expect(!tail.hasRead(upTo: [0: 2, 1: 1, 2: 10]))
        // An empty new log: nothing is left to read in it.
        let emptied = tail.forgetReplaced(ends: [1: 0, 2: 10], read: tail.positions)
        #expect(emptied == [1])
        #expect(tail.hasRead(upTo: [0: 0, 1: 0, 2: 10]))
    }

    @Test func aRecordReadWhileTheEndsWereAskedIsNoSignOfANewLog() {
        var tail = CompactedTopicTail<Int>()
        tail.note(key: "a", partition: 0, offset: 4, value: 1)
        let read = tail.positions
        // Partition 0 ended at 5 when asked; a record written right after is read before the
        // comparison, so the reader is now past that end in the same log.
        tail.note(key: "b", partition: 0, offset: 5, value: 2)
        let replaced = tail.forgetReplaced(ends: [0: 5], read: read)
        #expect(replaced.isEmpty)
        #expect(tail.records["a"]?.value == 1 && tail.records["b"]?.value == 2)
        // Compared with where it is now, it would have looked replaced.
        var compared = tail
        let misread = compared.forgetReplaced(ends: [0: 5], read: compared.positions)
        #expect(misread == [0])
    }

    @Test func aPartitionReadAgainSinceTheEndsWereAskedIsNotForgottenTwice() {
        var tail = CompactedTopicTail<Int>()
        tail.note(key: "a", partition: 0, offset: 8, value: 1)
        let read = tail.positions
        // The reader is reset to the start of a new, shorter log and reads its first records.
        tail.note(key: "b", partition: 0, offset: 0, value: 2)
        tail.note(key: "c", partition: 0, offset: 1, value: 3)
        let replaced = tail.forgetReplaced(ends: [0: 3], read: read)
        #expect(replaced.isEmpty)
        #expect(tail.records["b"]?.value == 2 && tail.records["c"]?.value == 3 && tail.records["a"] == nil)
        #expect(!tail.hasRead(upTo: [0: 3]))
    }
}
