import PalisadeGuardQuality

/// Choices for generated test texts that depend only on a seed, so a failure repeats.
struct SeededChoices {
    private var generator: SeededGenerator

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    /// A number in `0..<bound`.
    mutating func next(_ bound: Int) -> Int {
        Int.random(in: 0..<bound, using: &generator)
    }
}
