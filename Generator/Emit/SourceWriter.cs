using System;
using System.Text;

namespace Vmdq.Generator.Emit;

/// <summary>An indenting writer for generated C# (after dotnet/runtime's SourceWriter).</summary>
internal sealed class SourceWriter
{
    private const char IndentationChar = ' ';
    private const int CharsPerIndentation = 4;

    private readonly StringBuilder _sb = new();

    /// <summary>Current indentation level.</summary>
    public int Indentation { get; set; }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public void OpenBlock()
    {
        WriteLine("{");
        Indentation++;
    }

    /// <summary>Unindents and writes <c>}</c> (plus <paramref name="suffix"/>).</summary>
    public void CloseBlock(string suffix = "")
    {
        Indentation--;
        WriteLine("}" + suffix);
    }

    /// <summary>Writes each line of <paramref name="text"/> at the current indentation.</summary>
    public void WriteLine(string text)
    {
        if (text.IndexOf('\n') < 0)
        {
            WriteIndented(text);
            return;
        }

        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteIndented(line);
        }
    }

    /// <summary>Writes an empty line.</summary>
    public void WriteLine() => _sb.Append('\n');

    /// <summary>Appends <paramref name="text"/> to the current line without indentation or newline.</summary>
    public void Write(string text) => _sb.Append(text);

    private void WriteIndented(string line)
    {
        if (line.Length > 0)
        {
            _sb.Append(IndentationChar, Indentation * CharsPerIndentation);
            _sb.Append(line);
        }

        _sb.Append('\n');
    }

    /// <inheritdoc />
    public override string ToString() => _sb.ToString();
}
