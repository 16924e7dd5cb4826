/// The request a task works for, set around each HTTP request (and consumer record) so every
/// transaction it opens names it in `palisade.request_id`.
public enum RequestTrace {
    @TaskLocal public static var requestID: String?
}
