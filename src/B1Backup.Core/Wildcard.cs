using System.Text;
using System.Text.RegularExpressions;

namespace B1Backup.Core
{
    /// <summary>PowerShell's wildcard rules without PowerShell: * ? [set] and ` to escape, for the engine's own matching.</summary>
    public static class Wildcard
    {
        private static readonly char[] PatternCharacters = { '*', '?', '[' };

        public static bool IsPattern(string text) => text.IndexOfAny(PatternCharacters) >= 0;

        public static Regex ToRegex(string wildcard, bool ignoreCase)
        {
            var pattern = new StringBuilder("^");
            for (int i = 0; i < wildcard.Length; i++)
            {
                char c = wildcard[i];
                if (c == '`' && i + 1 < wildcard.Length)
                {
                    pattern.Append(Regex.Escape(wildcard[++i].ToString()));
                }
                else if (c == '*')
                {
                    pattern.Append(".*");
                }
                else if (c == '?')
                {
                    pattern.Append('.');
                }
                else if (c == '[' && wildcard.IndexOf(']', i + 1) is int close && close > i + 1)
                {
                    string set = wildcard.Substring(i + 1, close - i - 1);
                    pattern.Append('[').Append(Regex.Escape(set).Replace("\\-", "-").Replace("]", "\\]")).Append(']');
                    i = close;
                }
                else
                {
                    pattern.Append(Regex.Escape(c.ToString()));
                }
            }

            var options = RegexOptions.CultureInvariant | RegexOptions.Singleline | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
            return new Regex(pattern.Append('$').ToString(), options);
        }
    }
}
