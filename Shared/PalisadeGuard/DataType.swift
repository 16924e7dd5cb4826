/// The personal data and secrets the DLP scanner finds.
public enum DataType: String, Sendable, CaseIterable, Codable {
    case email
    case phone
    case paymentCard = "payment_card"
    case usSSN = "us_ssn"
    case iban
    case ipv4
    case ipv6
    case anthropicKey = "anthropic_api_key"
    case openAIKey = "openai_api_key"
    case awsAccessKeyID = "aws_access_key_id"
    case awsSecretKey = "aws_secret_access_key"
    case githubToken = "github_token"
    case stripeKey = "stripe_key"
    case googleAPIKey = "google_api_key"
    case slackToken = "slack_token"
    case jwt
    case privateKey = "private_key"
    case genericSecret = "generic_secret"

    public var category: Finding.Category {
        switch self {
        case .email, .phone, .paymentCard, .usSSN, .iban, .ipv4, .ipv6: return .pii
        default: return .secret
        }
    }
}
