/// The kinds of prompt injection the scanner tells apart. A finding names one.
public enum InjectionFamily: String, Sendable, CaseIterable, Codable {
    // Overriding what the model was told.
    case instructionOverride = "instruction_override"
    case forgetContext = "forget_context"
    case newInstructions = "new_instructions"
    case safetyBypass = "safety_bypass"
    case multilingualOverride = "multilingual_override"
    // Getting the system prompt out.
    case systemPromptExtraction = "system_prompt_extraction"
    case promptLeakRepeat = "prompt_leak_repeat"
    case multilingualExtraction = "multilingual_extraction"
    // Role-play jailbreaks.
    case danPersona = "dan_persona"
    case developerMode = "developer_mode"
    case unrestrictedPersona = "unrestricted_persona"
    case personaSwitch = "persona_switch"
    case refusalSuppression = "refusal_suppression"
    case stayInCharacter = "stay_in_character"
    case dualResponse = "dual_response"
    case hypotheticalFraming = "hypothetical_framing"
    // Forged structure.
    case specialTokens = "special_tokens"
    case fakeSystemMessage = "fake_system_message"
    case contextTermination = "context_termination"
    case authorityImpersonation = "authority_impersonation"
    case adminOverride = "admin_override"
    // Attacks on agents and their tools.
    case indirectAgentAddress = "indirect_agent_address"
    case toolHijack = "tool_hijack"
    case fakeToolOutput = "fake_tool_output"
    case dataExfiltration = "data_exfiltration"
    case markdownImageExfiltration = "markdown_image_exfiltration"
    case linkExfiltration = "link_exfiltration"
    /// A request written as if from the user, found in what a tool returned.
    case plantedRequest = "planted_request"
    // Hidden or encoded payloads.
    case base64Payload = "base64_payload"
    case hexPayload = "hex_payload"
    case rot13Payload = "rot13_payload"
    case unicodeTags = "unicode_tags"
    case invisibleText = "invisible_text"
    case bidiOverride = "bidi_override"
    case spacedCharacters = "spaced_characters"
    case payloadSplitting = "payload_splitting"
    case decodeAndExecute = "decode_and_execute"
}
