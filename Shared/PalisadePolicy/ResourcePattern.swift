/// An action or resource pattern of a permission or class: `*`, `prefix*`, or exact.
enum NamePattern: Sendable {
    case any
    case prefix(String)
    case exact(String)

    init(_ text: String) {
        if text == "*" {
            self = .any
        } else if text.hasSuffix("*") {
            self = .prefix(String(text.dropLast()))
        } else {
            self = .exact(text)
        }
    }

    @inline(__always)
    func matches(_ name: String) -> Bool {
        switch self {
        case .any: true
        case .prefix(let prefix): TextSearch.hasPrefix(name, prefix)
        case .exact(let exact): name == exact
        }
    }
}
