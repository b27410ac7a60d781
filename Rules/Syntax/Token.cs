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

/// <summary>One token of a rules-file line.</summary>
/// <param name="Kind">The token's kind.</param>
/// <param name="Text">The token's text, exactly as written.</param>
/// <param name="Span">Where it is.</param>
internal readonly record struct Token(TokenKind Kind, string Text, SourceSpan Span);
