using System.Globalization;
using System.Text;

namespace ModelGen.Generator.Emit
{
    /// <summary>The one indented writer every emitter uses; numbers are always written with the invariant culture.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _sb = new();
        private int _indent;

        /// <summary>Writes one line at the current indentation (an empty line for an empty string).</summary>
        public SourceWriter Line(string text = "")
        {
            if (text.Length > 0)
            {
                _sb.Append(' ', _indent * 4);
            }

            _sb.Append(text).Append('\n');
            return this;
        }

        /// <summary>Writes <c>{</c> and indents.</summary>
        public SourceWriter Open(string? header = null)
        {
            if (header is not null)
            {
                Line(header);
            }

            Line("{");
            _indent++;
            return this;
        }

        /// <summary>Unindents and writes <c>}</c> (with an optional suffix such as <c>;</c>).</summary>
        public SourceWriter Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
            return this;
        }

        /// <summary>A new writer at this writer's indentation, for code written out of order (appended later with <see cref="Append"/>).</summary>
        public SourceWriter Fork() => new() { _indent = _indent };

        /// <summary>Appends everything <paramref name="other"/> wrote.</summary>
        public SourceWriter Append(SourceWriter other)
        {
            _sb.Append(other._sb);
            return this;
        }

        public override string ToString() => _sb.ToString();

        /// <summary>A float literal that round-trips: <c>0.01f</c>, <c>1E-05f</c>.</summary>
        public static string F(double value)
        {
            float f = (float)value;
            string s = f.ToString("G9", CultureInfo.InvariantCulture);
            if (float.Parse(s, CultureInfo.InvariantCulture) != f)
            {
                s = f.ToString("R", CultureInfo.InvariantCulture);
            }

            // Prefer the shortest text that parses back to the same float.
            for (int digits = 1; digits < 9; digits++)
            {
                string shorter = f.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                if (float.Parse(shorter, CultureInfo.InvariantCulture) == f)
                {
                    s = shorter;
                    break;
                }
            }

            return s + "f";
        }

        /// <summary>A double literal that round-trips.</summary>
        public static string D(double value)
        {
            string s = value.ToString("R", CultureInfo.InvariantCulture);
            if (s.IndexOf('.') < 0 && s.IndexOf('E') < 0)
            {
                s += ".0";
            }

            return s;
        }

        /// <summary>An int literal.</summary>
        public static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// A C# string literal of any text: quotes and backslashes escaped, and every character that could end a line or
        /// is not printable (controls, U+0085, U+2028, U+2029, format characters, unpaired surrogates, unassigned) written as
        /// <c>\uXXXX</c>, so no user text can break out of the literal.
        /// </summary>
        public static string Literal(string text)
        {
            var sb = new StringBuilder(text.Length + 2).Append('"');
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '"' || c == '\\')
                {
                    sb.Append('\\').Append(c);
                }
                else if (IsPrintable(text, i))
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
            }

            return sb.Append('"').ToString();
        }

        /// <summary>Text for an XML documentation comment: <c>&amp;</c> and <c>&lt;</c> escaped (<c>&gt;</c> is legal text).</summary>
        public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace("]]>", "]]&gt;");

        /// <summary>
        /// Whether the character at <paramref name="index"/> may appear as itself in generated source (literals and
        /// comments): not a control, format, line or paragraph separator, private-use or unassigned character, and not half
        /// of a surrogate pair unless the pair is complete (a whole pair is judged by the character it encodes).
        /// </summary>
        public static bool IsPrintable(string text, int index)
        {
            char c = text[index];
            if (char.IsLowSurrogate(c))
            {
                return index > 0 && char.IsHighSurrogate(text[index - 1]) && IsPrintable(text, index - 1);
            }

            if (char.IsHighSurrogate(c) && (index + 1 >= text.Length || !char.IsLowSurrogate(text[index + 1])))
            {
                return false;
            }

            return CharUnicodeInfo.GetUnicodeCategory(text, index) switch
            {
                UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                    or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
                _ => true,
            };
        }
    }
}
