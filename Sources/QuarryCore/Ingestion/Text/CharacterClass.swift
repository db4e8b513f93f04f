/// Character classes used by the readers, the sentence splitter and the token counter.
enum CharacterClass {
    /// Han ideographs, kana, Hangul, CJK symbols and full-width forms: scripts written without
    /// spaces between words, where every character is roughly one model token.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x11FF,  // Hangul Jamo
            0x2E80...0x2FDF,  // CJK radicals, Kangxi radicals
            0x3000...0x303F,  // CJK symbols and punctuation
            0x3040...0x30FF,  // Hiragana, Katakana
            0x3100...0x31FF,  // Bopomofo, Hangul compatibility Jamo, Katakana extensions
            0x3200...0x4DBF,  // enclosed CJK, compatibility, extension A
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xA960...0xA97F,
            0xAC00...0xD7FF,  // Hangul syllables
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFE30...0xFE4F,  // CJK compatibility forms
            0xFF00...0xFFEF,  // half-width and full-width forms
            0x20000...0x3FFFF:  // extensions B and later
            return true
        default:
            return false
        }
    }

    /// Whether the scalar is part of a word (letters, digits, connecting marks).
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil || scalar == "_"
            || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark
    }

    /// Whether a break must not fall just before this scalar (combining marks, joiners, variation
    /// selectors, emoji modifiers), so that grapheme clusters stay whole.
    static func continuesCluster(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: break
        }
        switch scalar.value {
        case 0x200D, 0xFE00...0xFE0F, 0x1F3FB...0x1F3FF, 0xE0100...0xE01EF, 0xE0020...0xE007F: return true
        default: return false
        }
    }
}
