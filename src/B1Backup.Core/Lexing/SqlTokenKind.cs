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
}
