using System;

namespace B1Backup.Core.Lexing
{
    /// <summary>Text the lexer will not guess about: unterminated, ambiguous between servers, or not SQL.</summary>
    public sealed class SqlLexException : Exception
    {
        public SqlLexException(string problem, int offset)
            : base(problem)
        {
            Offset = offset;
        }

        /// <summary>Where in the statement's text the problem starts.</summary>
        public int Offset { get; }
    }
}
