namespace B1Backup.Core.Lexing
{
    /// <summary>One token of a statement: where it is in the text, and its name for words and identifiers.</summary>
    public readonly struct SqlToken
    {
        public SqlToken(SqlTokenKind kind, int start, int end, string? name, bool inExecutableComment = false)
        {
            Kind = kind;
            Start = start;
            End = end;
            Name = name;
            InExecutableComment = inExecutableComment;
        }

        /// <summary>Inside /*!...*/: cutting the text here would leave the comment open.</summary>
        public bool InExecutableComment { get; }

        public SqlTokenKind Kind { get; }

        public int Start { get; }

        /// <summary>One past the last character.</summary>
        public int End { get; }

        /// <summary>Words, identifiers and variables: the name, unquoted. Symbols: the character. Otherwise null.</summary>
        public string? Name { get; }

        public bool IsName => Kind == SqlTokenKind.Word || Kind == SqlTokenKind.QuotedIdentifier;

        public bool IsWord(string word) => Kind == SqlTokenKind.Word && string.Equals(Name, word, System.StringComparison.OrdinalIgnoreCase);

        public bool IsSymbol(char symbol) => Kind == SqlTokenKind.Symbol && Name!.Length == 1 && Name[0] == symbol;

        public override string ToString() => Kind + ":" + Name;
    }
}
