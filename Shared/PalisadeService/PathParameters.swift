import Foundation
import Hummingbird

extension RequestContext {
    /// The path parameter `name` as a UUID. Anything else names no resource, so 404 (not 400):
    /// an id is opaque to the caller.
    public func pathUUID(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else {
            throw Problem.notFound("no such resource")
        }
        return id
    }
}
