using System;

namespace B1Backup.Core.Restore
{
    /// <summary>One statement of a script, as the mysql client would send it.</summary>
    public sealed class ScriptStatement
    {
        private string? text;

        public ScriptStatement(string text, long line)
        {
            this.text = text;
            Chars = text.AsMemory();
            Line = line;
        }

        /// <summary>A statement in a buffer its reader reuses: valid only until the reader reads the next one.</summary>
        internal ScriptStatement(ReadOnlyMemory<char> chars, long line)
        {
            Chars = chars;
            Line = line;
        }

        /// <summary>The statement as a string, made on first use where the reader lent a buffer.</summary>
        public string Text => text ??= Chars.ToString();

        /// <summary>
        /// The statement's characters. A data part's reader lends its own buffer: a data INSERT of a megabyte
        /// would otherwise become a new 2 MB string, most of what a restore allocated.
        /// </summary>
        internal ReadOnlyMemory<char> Chars { get; }

        /// <summary>The line of the script on which the statement starts, for error messages.</summary>
        public long Line { get; }
    }
}
