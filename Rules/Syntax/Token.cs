namespace Vmdq.Rules.Syntax;

/// <summary>What a token is: the lexer only distinguishes the punctuation the grammar needs; words are classified by the parser.</summary>
internal enum TokenKind
{
    /// <summary>A run of characters that is not white space, a comma, <c>-&gt;</c> or a comment.</summary>
    Word,
    /// <summary>The arrow between a match and its target.</summary>
    Arrow,
    /// <summary>The separator of a broadcast/multicast pool list.</summary>
    Comma,
}

/// <summary>
/// One token of a rules-file line. The lexer gives keywords, punctuation and names their text from a per-file
/// table (one string per distinct spelling); values (numbers, MACs, ranges) stay offsets into the source text,
/// parsed in place, and become a string only when <see cref="Text"/> is read (for a message or the model).
/// </summary>
internal readonly struct Token
{
    private readonly string? _text;
    private readonly string? _source;

    /// <summary>A token with the given text.</summary>
    /// <param name="kind">The token's kind.</param>
    /// <param name="text">The token's text, exactly as written.</param>
    /// <param name="span">Where it is.</param>
    public Token(TokenKind kind, string text, SourceSpan span)
    {
        Kind = kind;
        _text = text;
        _source = null;
        Span = span;
    }

    /// <summary>A token whose text is <c>source[span.Start .. span.End)</c>, made into a string only when asked for.</summary>
    internal Token(TokenKind kind, SourceSpan span, string source)
    {
        Kind = kind;
        _text = null;
        _source = source;
        Span = span;
    }

    /// <summary>The token's kind.</summary>
    public TokenKind Kind { get; }

    /// <summary>Where it is.</summary>
    public SourceSpan Span { get; }

    /// <summary>The token's text, exactly as written (a new string each time for a value token: read it once).</summary>
    public string Text => _text ?? _source!.Substring(Span.Start, Span.Length);

    /// <summary>The string that holds the token's characters, from <see cref="Offset"/> for <see cref="Length"/>.</summary>
    internal string Chars => _text ?? _source!;

    /// <summary>Where the token's characters start in <see cref="Chars"/>.</summary>
    internal int Offset => _text is null ? Span.Start : 0;

    /// <summary>How many characters the token has.</summary>
    internal int Length => _text?.Length ?? Span.Length;
}
