import Foundation
import Logging
import PalisadeEvents
import PalisadeRules
import PalisadeStore
import PostgresNIO

/// The `policy.threshold_rules` table.
struct RuleStore: Sendable {
    let database: Database

    func create(_ rule: ThresholdRule, scope: TenantScope, logger: Logger) async throws {
        let value = String(decoding: rule.value.canonicalJSON(), as: UTF8.self)
        try await database.withTenant(scope, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO policy.threshold_rules (tenant_id, rule_id, name, field, operator, value, severity, action, created_by)
                VALUES (\(scope.tenantID), \(rule.ruleID), \(rule.name), \(rule.field.rawValue), \(rule.comparison.rawValue),
                        \(value)::jsonb, \(rule.severity), \(rule.action), \(scope.subject))
                """, logger: logger)
        }
    }

    /// The tenant's rules, oldest first.
    func list(scope: TenantScope, logger: Logger) async throws -> [ThresholdRule] {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT rule_id, name, field, operator, value::text, severity, action
                FROM policy.threshold_rules ORDER BY created_at, rule_id
                """, logger: logger)
            var rules: [ThresholdRule] = []
            for try await (id, name, field, comparison, value, severity, action)
                in rows.decode((UUID, String, String, String, String, String, String).self) {
                guard let field = RuleField(rawValue: field), let comparison = RuleOperator(rawValue: comparison),
                      let value = try? JSONReader.parse(value.utf8) else { continue }
                rules.append(ThresholdRule(ruleID: id, name: name, field: field, comparison: comparison,
                                           value: value, severity: severity, action: action))
            }
            return rules
        }
    }

    /// True when the rule existed (in the caller's tenant) and is gone.
    func delete(_ ruleID: UUID, scope: TenantScope, logger: Logger) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query(
                "DELETE FROM policy.threshold_rules WHERE rule_id = \(ruleID) RETURNING rule_id", logger: logger
            )
            for try await _ in rows.decode(UUID.self) { return true }
            return false
        }
    }
}
