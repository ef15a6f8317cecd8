using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ReleaseOps.Core.Iac
{
    /// <summary>
    /// Writes HCL (Terraform's native syntax) as `terraform fmt` lays it out: two-space indents, the equals signs of
    /// consecutive one-line arguments aligned, one blank line between blocks. Every string is quoted and escaped
    /// here, so that no value read from a provider can end a string or start an interpolation.
    /// </summary>
    public sealed class HclWriter
    {
        private readonly StringBuilder text = new();
        private readonly List<(string Name, string Value)> pending = new();
        private int depth;
        private bool blankBeforeNext;

        /// <summary>A comment line (# ...).</summary>
        public HclWriter Comment(string line)
        {
            Flush();
            Blank();
            Indent().Append("# ").Append(line.Replace("\r", " ").Replace("\n", " ")).Append('\n');
            return this;
        }

        /// <summary>One argument; its value is an expression made by <see cref="Str"/>, <see cref="List"/> and the like.</summary>
        public HclWriter Attribute(string name, string expression)
        {
            pending.Add((name, expression));
            return this;
        }

        /// <summary>An argument whose value is an object, written over several lines with its keys aligned.</summary>
        public HclWriter ObjectAttribute(string name, IReadOnlyList<(string Key, string Value)> items)
        {
            if (items.Count == 0)
            {
                return Attribute(name, "{}");
            }

            Flush();
            Indent().Append(name).Append(" = {\n");
            depth++;
            foreach (var (key, value) in items)
            {
                pending.Add((Key(key), value));
            }

            FlushPending();
            depth--;
            Indent().Append("}\n");
            return this;
        }

        /// <summary>An argument whose value is a list of objects, each written over several lines.</summary>
        public HclWriter ObjectListAttribute(string name, IReadOnlyList<IReadOnlyList<(string Key, string Value)>> items)
        {
            if (items.Count == 0)
            {
                return Attribute(name, "[]");
            }

            Flush();
            Indent().Append(name).Append(" = [\n");
            depth++;
            foreach (var item in items)
            {
                Indent().Append("{\n");
                depth++;
                foreach (var (key, value) in item)
                {
                    pending.Add((Key(key), value));
                }

                FlushPending();
                depth--;
                Indent().Append("},\n");
            }

            depth--;
            Indent().Append("]\n");
            return this;
        }

        /// <summary>Opens a block: type and labels (resource "digitalocean_droplet" "cortico" {).</summary>
        public HclWriter Open(string type, params string[] labels)
        {
            Flush();
            if (depth == 0)
            {
                Blank();
            }
            else if (text.Length > 0 && text[text.Length - 1] == '\n' && !text.ToString().EndsWith("{\n", StringComparison.Ordinal))
            {
                // terraform fmt keeps the author's blank lines; a nested block after arguments reads better apart.
                text.Append('\n');
            }

            Indent().Append(type);
            foreach (var label in labels)
            {
                text.Append(' ').Append(Str(label));
            }

            text.Append(" {\n");
            depth++;
            return this;
        }

        /// <summary>Closes the innermost block.</summary>
        public HclWriter Close()
        {
            Flush();
            depth--;
            Indent().Append("}\n");
            if (depth == 0)
            {
                blankBeforeNext = true;
            }

            return this;
        }

        /// <inheritdoc />
        public override string ToString()
        {
            Flush();
            return text.ToString();
        }

        /// <summary>A quoted HCL string: backslash escapes, and ${ and %{ doubled so that they stay literal.</summary>
        public static string Str(string value)
        {
            var sb = new StringBuilder("\"");
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                switch (c)
                {
                    case '\\': sb.Append("\\\\"); break;
                    case '"': sb.Append("\\\""); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '$' or '%' when i + 1 < value.Length && value[i + 1] == '{':
                        sb.Append(c).Append(c);
                        break;
                    default:
                        if (char.IsControl(c))
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.Append('"').ToString();
        }

        /// <summary>A number.</summary>
        public static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A bool.</summary>
        public static string Bool(bool value) => value ? "true" : "false";

        /// <summary>A one-line list of strings.</summary>
        public static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Str)) + "]";

        /// <summary>A one-line list of references (ignore_changes = [ssh_keys, user_data]).</summary>
        public static string References(IEnumerable<string> names) => "[" + string.Join(", ", names) + "]";

        /// <summary>An object key: bare when it is an identifier, else quoted.</summary>
        public static string Key(string key) => IsIdentifier(key) ? key : Str(key);

        /// <summary>Whether the text is an HCL identifier (letters, digits, _ and -, not starting with a digit or -).</summary>
        public static bool IsIdentifier(string name) =>
            name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => c < 128 && (char.IsLetterOrDigit(c) || c is '_' or '-'));

        /// <summary>A resource name made from any text: an identifier of lower-case letters, digits, _ and -.</summary>
        public static string Label(string text)
        {
            var sb = new StringBuilder();
            foreach (var c in text.ToLowerInvariant())
            {
                sb.Append(c < 128 && (char.IsLetterOrDigit(c) || c is '_' or '-') ? c : '_');
            }

            var label = sb.ToString().Trim('_');
            return label.Length == 0 || !(char.IsLetter(label[0]) || label[0] == '_') ? "r_" + label : label;
        }

        private void Blank()
        {
            if (blankBeforeNext)
            {
                text.Append('\n');
                blankBeforeNext = false;
            }
        }

        private StringBuilder Indent() => text.Append(' ', depth * 2);

        private void Flush()
        {
            if (pending.Count > 0)
            {
                FlushPending();
            }
        }

        private void FlushPending()
        {
            var width = pending.Max(p => p.Name.Length);
            foreach (var (name, value) in pending)
            {
                Indent().Append(name.PadRight(width)).Append(" = ").Append(value).Append('\n');
            }

            pending.Clear();
        }
    }
}
