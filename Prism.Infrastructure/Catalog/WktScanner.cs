using System.Globalization;

namespace Prism.Catalog;

/// <summary>
/// The token level of the project's WKT readers (footprints and query geometries): words, finite numbers and
/// punctuation, with bounded token lengths so hostile input cannot make a token unbounded.
/// </summary>
internal ref struct WktScanner(string text, string what)
{
    private readonly string _text = text;
    private int _pos;

    /// <summary>The next non-space character, or '\0' at the end.</summary>
    public char Peek()
    {
        SkipSpace();
        return _pos < _text.Length ? _text[_pos] : '\0';
    }

    public bool AtEnd()
    {
        SkipSpace();
        return _pos == _text.Length;
    }

    public double Number()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < _text.Length && _pos - start < 64 &&
               (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '+' or '-' or '.' or 'e' or 'E'))
            _pos++;
        if (start == _pos ||
            !double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ||
            !double.IsFinite(value))
            throw Error("expected a finite number");
        return value;
    }

    public string Word()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < _text.Length && _pos - start < 32 && char.IsAsciiLetterOrDigit(_text[_pos])) _pos++;
        return _text[start.._pos].ToUpperInvariant();
    }

    public string PeekWord()
    {
        var save = _pos;
        var word = Word();
        _pos = save;
        return word;
    }

    public void Expect(char c)
    {
        if (!TryConsume(c)) throw Error($"expected '{c}'");
    }

    public bool TryConsume(char c)
    {
        if (Peek() != c) return false;
        _pos++;
        return true;
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    public readonly FormatException Error(string message) => new($"Invalid {what} WKT at position {_pos}: {message}.");
}
