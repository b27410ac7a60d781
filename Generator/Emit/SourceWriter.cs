using System;
using System.Collections.Generic;
using System.Text;

namespace Vmdq.Generator.Emit;

/// <summary>An indenting writer for generated C# (after dotnet/runtime's SourceWriter).</summary>
internal sealed class SourceWriter
{
    private const char IndentationChar = ' ';
    private const int CharsPerIndentation = 4;

    private readonly StringBuilder _sb = new();
    private readonly List<int> _marks = new();

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

    /// <summary>
    /// Marks the current position (the start of a line) for a text made later: <see cref="ToString(IReadOnlyList{string})"/>
    /// puts the <c>n</c>-th marked text at the <c>n</c>-th mark.
    /// </summary>
    public void Mark() => _marks.Add(_sb.Length);

    /// <summary>The text written, with <paramref name="marked"/>[n] at the n-th <see cref="Mark"/>.</summary>
    public string ToString(IReadOnlyList<string> marked)
    {
        if (marked.Count != _marks.Count)
        {
            throw new InvalidOperationException($"{marked.Count} texts for {_marks.Count} marks.");
        }

        string text = _sb.ToString();
        if (_marks.Count == 0)
        {
            return text;
        }

        int length = text.Length;
        foreach (var m in marked)
        {
            length += m.Length;
        }

        var result = new StringBuilder(length);
        int from = 0;
        for (int i = 0; i < _marks.Count; i++)
        {
            result.Append(text, from, _marks[i] - from).Append(marked[i]);
            from = _marks[i];
        }

        return result.Append(text, from, text.Length - from).ToString();
    }

    /// <inheritdoc />
    public override string ToString() => _marks.Count == 0 ? _sb.ToString() : throw new InvalidOperationException("Marked text is missing.");
}
