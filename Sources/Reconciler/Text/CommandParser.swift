/// Parses one command line of a table block (`-A`, `-I`, `-D`, `-N`, `-X`, `-F`, `-P`).
enum CommandParser {
    static func parse(_ tokens: [Token], line: [Character], number: Int, family: IPFamily,
                      table: TableName) throws(ParseError) -> RestoreCommand {
        do {
            return try command(tokens, line: line, number: number, family: family)
        } catch {
            throw ParseError(line: number, column: error.column, message: error.message, expected: error.expected)
        }
    }

    private static func command(_ tokens: [Token], line: [Character], number: Int,
                                family: IPFamily) throws(RuleSyntaxError) -> RestoreCommand {
        let verb = tokens[0]
        let chainToken = tokens.count > 1 && !tokens[1].isOption ? tokens[1] : nil
        let chain = chainToken?.text
        let column = chainToken?.column ?? verb.column
        if let chain, !ChainNames.isValid(chain) {
            throw RuleSyntaxError(chainToken, "bad chain name '\(chain)'", expected: "1 to 28 characters")
        }
        func rule(from index: Int) throws(RuleSyntaxError) -> Rule {
            try RuleParser.parse(Array(tokens[index...]), line: line, family: family)
        }
        func required() throws(RuleSyntaxError) -> String {
            guard let chain else { throw RuleSyntaxError(verb, "\(verb.text) needs a chain name", expected: "a chain name") }
            return chain
        }
        switch verb.text {
        case "-A", "--append":
            return RestoreCommand(.append(chain: try required(), rule: try rule(from: 2)), line: number, column: column)
        case "-I", "--insert":
            let name = try required()
            var position = 1, start = 2
            if tokens.count > 2, let given = Int(tokens[2].text), !tokens[2].quoted {
                guard given >= 1 else { throw RuleSyntaxError(tokens[2], "bad rule number \(given)", expected: "1 or more") }
                position = given
                start = 3
            }
            return RestoreCommand(.insert(chain: name, position: position, rule: try rule(from: start)), line: number, column: column)
        case "-D", "--delete":
            return RestoreCommand(.delete(chain: try required(), rule: try rule(from: 2)), line: number, column: column)
        case "-N", "--new-chain":
            try noMore(tokens, after: 2)
            return RestoreCommand(.newChain(try required()), line: number, column: column)
        case "-X", "--delete-chain":
            try noMore(tokens, after: chain == nil ? 1 : 2)
            return RestoreCommand(.deleteChain(chain), line: number, column: column)
        case "-F", "--flush":
            try noMore(tokens, after: chain == nil ? 1 : 2)
            return RestoreCommand(.flush(chain), line: number, column: column)
        case "-P", "--policy":
            let name = try required()
            guard tokens.count == 3, let policy = Policy(rawValue: tokens[2].text) else {
                throw RuleSyntaxError(tokens.count > 2 ? tokens[2] : verb, "bad policy", expected: "ACCEPT or DROP")
            }
            return RestoreCommand(.policy(chain: name, policy: policy), line: number, column: column)
        default:
            throw RuleSyntaxError(verb, "unknown command '\(verb.text)'", expected: "-A, -I, -D, -N, -X, -F, -P, :CHAIN, COMMIT or *table")
        }
    }

    private static func noMore(_ tokens: [Token], after count: Int) throws(RuleSyntaxError) {
        if tokens.count > count { throw RuleSyntaxError(tokens[count], "unexpected '\(tokens[count].text)'", expected: "end of line") }
    }
}
