import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A small, immutable XML element tree built with Foundation's `XMLParser`, for reading Office
/// Open XML parts. Names are compared by local name (the part after a namespace prefix), which is
/// enough for the fixed vocabularies of PPTX and DOCX.
final class XMLElementTree: Sendable {
    /// A child of an element: an element or a run of character data.
    enum Node: Sendable {
        case element(XMLElementTree)
        case text(String)
    }

    /// The local name (`sp` for `p:sp`).
    let name: String
    /// The qualified name as written (`p:sp`).
    let qualifiedName: String
    /// The attributes by qualified name as written (`r:id`, `w:val`).
    let attributes: [String: String]
    /// The children in document order.
    let children: [Node]

    init(qualifiedName: String, attributes: [String: String], children: [Node]) {
        self.qualifiedName = qualifiedName
        self.name = Self.localName(qualifiedName)
        self.attributes = attributes
        self.children = children
    }

    static func localName(_ qualified: String) -> String {
        guard let colon = qualified.lastIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }

    /// The value of the attribute whose local name is `localName` (`val` finds `w:val`).
    func attribute(_ localName: String) -> String? {
        if let value = attributes[localName] { return value }
        for (key, value) in attributes where Self.localName(key) == localName { return value }
        return nil
    }

    /// The child elements.
    var elements: [XMLElementTree] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The first child element with the given local name.
    func child(_ name: String) -> XMLElementTree? {
        for case .element(let element) in children where element.name == name { return element }
        return nil
    }

    /// The child elements with the given local name.
    func children(named name: String) -> [XMLElementTree] {
        elements.filter { $0.name == name }
    }

    /// The first element with the given local name at any depth (depth first, document order).
    func descendant(_ name: String) -> XMLElementTree? {
        for element in elements {
            if element.name == name { return element }
            if let found = element.descendant(name) { return found }
        }
        return nil
    }

    /// Follows a path of local names through first children (`child("a")?.child("b")`).
    func path(_ names: String...) -> XMLElementTree? {
        var current: XMLElementTree? = self
        for name in names { current = current?.child(name) }
        return current
    }

    /// All character data below this element, concatenated.
    var textContent: String {
        var result = ""
        for child in children {
            switch child {
            case .text(let text): result += text
            case .element(let element): result += element.textContent
            }
        }
        return result
    }

    /// Parses `data`, a UTF-8 or UTF-16 (with a byte-order mark) XML part;
    /// throws ``DocumentReadError/malformedXML(path:part:line:reason:)``.
    static func parse(_ data: Data, document: String, part: String) throws(DocumentReadError) -> XMLElementTree {
        // Foundation's XMLParser traps on a name that is not valid UTF-8, so it only ever sees valid UTF-8.
        let data = try utf8(data, document: document, part: part)
        // Office parts never declare a DTD; refusing one rules out entity-expansion attacks.
        if let head = String(data: data.prefix(4096), encoding: .utf8), head.contains("<!DOCTYPE") {
            throw .malformedXML(path: document, part: part, line: 1, reason: "a DTD is not allowed in an Office part")
        }
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        guard ok, let root = builder.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw .malformedXML(path: document, part: part, line: parser.lineNumber, reason: reason)
        }
        return root
    }

    /// The part as UTF-8: UTF-8 as it is once validated, UTF-16 transcoded without its XML declaration
    /// (which would name the old encoding).
    private static func utf8(_ data: Data, document: String, part: String) throws(DocumentReadError) -> Data {
        let isUTF16 = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
        guard let text = String(data: data, encoding: isUTF16 ? .utf16 : .utf8) else {
            throw .malformedXML(path: document, part: part, line: 1, reason: "the part is not valid UTF-8 or UTF-16")
        }
        guard isUTF16 else { return data }
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return Data(text.utf8) }
        return Data(text[end.upperBound...].utf8)
    }

    /// Collects the tree while the parser runs.
    private final class Builder: NSObject, XMLParserDelegate {
        private struct Open {
            var qualifiedName: String
            var attributes: [String: String]
            var children: [Node] = []
            var pendingText = ""
        }

        private var stack: [Open] = []
        var root: XMLElementTree?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            flushText()
            stack.append(Open(qualifiedName: qName ?? elementName, attributes: attributeDict))
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?
        ) {
            flushText()
            guard let open = stack.popLast() else { return }
            let element = XMLElementTree(qualifiedName: open.qualifiedName, attributes: open.attributes, children: open.children)
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(.element(element))
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].pendingText += string
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].pendingText += String(decoding: block, as: UTF8.self)
        }

        private func flushText() {
            guard !stack.isEmpty, !stack[stack.count - 1].pendingText.isEmpty else { return }
            stack[stack.count - 1].children.append(.text(stack[stack.count - 1].pendingText))
            stack[stack.count - 1].pendingText = ""
        }
    }
}
