import Foundation

/// Addresses Palisade will deliver to: absolute http(s) URLs without credentials in them.
public enum DeliveryURL {
    public static func isAcceptable(_ text: String) -> Bool {
        guard text.count <= 2048, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty, components.user == nil, components.password == nil else { return false }
        return true
    }
}
