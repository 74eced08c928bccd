namespace B1Backup.Core.Lexing
{
    public enum SqlTokenKind
    {
        /// <summary>A keyword or unquoted identifier (also numbers' neighbours such as 12abc, which servers read as names).</summary>
        Word,

        /// <summary>`name`, or "name" under ANSI_QUOTES.</summary>
        QuotedIdentifier,

        /// <summary>'text', or "text" without ANSI_QUOTES.</summary>
        String,

        Number,

        /// <summary>@name or @'name' (also the host part of user@host).</summary>
        Variable,

        /// <summary>@@name: a server variable; GLOBAL/SESSION and a dot may follow as tokens of their own.</summary>
        SystemVariable,

        /// <summary>The statement separator: a server runs what follows as a statement of its own.</summary>
        Semicolon,

        /// <summary>Any other punctuation or operator, one character.</summary>
        Symbol,
    }

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
