namespace B1Backup.Core.Lexing
{
    /// <summary>
    /// What a backslash and the character after it stand for inside a quoted string, as the server reads
    /// it with backslash escapes on: the one table the lexer, the script reader and the prepared-row reader
    /// share, so none of them reads a value other than the server would.
    /// </summary>
    internal static class BackslashEscape
    {
        /// <summary>
        /// \% and \_ stand for themselves, backslash included (they escape LIKE patterns): the server keeps
        /// the backslash of these two and of no other.
        /// </summary>
        public static bool KeepsBackslash(char next) => next == '%' || next == '_';

        /// <summary>The character \<paramref name="next"/> stands for, where the backslash is not kept.</summary>
        public static char Unescape(char next) => next switch
        {
            '0' => '\0',
            'b' => '\b',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'Z' => '\x1a',
            _ => next,
        };
    }
}
