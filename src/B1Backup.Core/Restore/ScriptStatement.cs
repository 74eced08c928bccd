#if NET8_0_OR_GREATER
#endif

namespace B1Backup.Core.Restore
{
    /// <summary>One statement of a script, as the mysql client would send it.</summary>
    public sealed class ScriptStatement
    {
        public ScriptStatement(string text, long line)
        {
            Text = text;
            Line = line;
        }

        public string Text { get; }

        /// <summary>The line of the script on which the statement starts, for error messages.</summary>
        public long Line { get; }
    }
}
