/// Letters that look like Latin ones, mapped to the Latin letter an attacker means by them
/// (after lowercasing). A subset of Unicode's confusables (UTS #39) chosen for the scripts
/// that disguise English: Cyrillic, Greek, Armenian, small capitals and IPA, plus the
/// typographic punctuation that stands in for ASCII quotes, dashes and angle brackets.
enum Confusables {
    static let toASCII: [UInt32: String] = {
        var map: [UInt32: String] = [:]
        func add(_ pairs: String) {
            // "xy" pairs: a look-alike scalar followed by the ASCII it stands for.
            var scalars = pairs.unicodeScalars.makeIterator()
            while let lookalike = scalars.next(), let latin = scalars.next() {
                map[lookalike.value] = String(latin)
            }
        }
        // Cyrillic lowercase (uppercase letters are lowercased before this map applies).
        add("аaвbсcԁdеeһhіiјjкkӏlмmпnоoрpԛqгrѕsтtцuѵvԝwхxуy")
        add("ёeїiўyђhћhќkѓrґrєeѡwҽeһhԍgɡgӕeӣiӯy")
        // Greek.
        add("αaβbγyδdεeζzηnθoιiκkλlμuνvοoπnρpσoςcτtυuχxωw")
        add("άaέeήnίiόoύuώwϊiϋu")
        // Armenian.
        add("ագbgդdեeհhօoոnսuքpռnցgլlւu")
        // Latin look-alikes, IPA and small capitals.
        add("ıiȷjɑaɡgɩiɪiʟlɴnʀrʏyᴀaʙbᴄcᴅdᴇeꜰfɢgʜhᴊjᴋkᴍmᴏoᴘpꜱsᴛtᴜuᴠvᴡwᴢzƅbɵoƿpʋuɣy")
        // Punctuation an attacker uses in place of the ASCII a pattern expects.
        add("‘'’'‛'′'‚'“\"”\"‟\"″\"„\"‐-‑-‒-–-—-―-−-‹<›>〈<〉>⟨<⟩>❮<❯>⁄/∕/⧸/")
        return map
    }()
}
