import Foundation
import PalisadeDelivery
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(4), attemptTimeout: .seconds(1))

    func answer(_ status: Int?) -> DeliveryAttempt {
        DeliveryAttempt(startedAt: Date(), duration: .zero, statusCode: status, error: status == 200 ? nil : "failed")
    }

    func run(_ statuses: [Int?], previousAttempts: Int = 0) async throws -> (DeliveryVerdict, [Int]) {
        var remaining = statuses
        var numbers: [Int] = []
        let verdict = try await policy.deliver(previousAttempts: previousAttempts) {
            answer(remaining.isEmpty ? 503 : remaining.removeFirst())
        } record: { _, number, _ in
            numbers.append(number)
        }
        return (verdict, numbers)
    }

    @Test func retriesServerErrorsUntilSuccess() async throws {
        let (verdict, numbers) = try await run([503, nil, 200])
        #expect(verdict == .delivered)
        #expect(numbers == [1, 2, 3])
    }

    @Test func givesUpWhenTheBudgetIsSpent() async throws {
        let (verdict, numbers) = try await run([503, 503, 503, 503, 200])
        #expect(verdict == .gaveUp)
        #expect(numbers == [1, 2, 3, 4])
    }

    @Test func countsOnAfterARestart() async throws {
        let (verdict, numbers) = try await run([503, 503], previousAttempts: 2)
        #expect(verdict == .gaveUp)
        #expect(numbers == [3, 4])
    }

    @Test func aRefusalIsFinal() async throws {
        let (verdict, numbers) = try await run([400, 200])
        #expect(verdict == .gaveUp)
        #expect(numbers == [1])
        #expect(RetryPolicy.isRetryable(status: 429))
        #expect(!RetryPolicy.isRetryable(status: 404))
    }

    @Test func backoffGrowsWithinBoundsAndJitters() {
        let slow = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1), attemptTimeout: .seconds(1))
        #expect(slow.delay(after: 1, random: 1) == .milliseconds(100))
        #expect(slow.delay(after: 3, random: 1) == .milliseconds(400))
        #expect(slow.delay(after: 9, random: 1) == .seconds(1))
        #expect(slow.delay(after: 9, random: 0) == .milliseconds(50))
    }
}
