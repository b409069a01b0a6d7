using System.Runtime.InteropServices;
using System.Text;

namespace Prism.Gdal.Native;

/// <summary>
/// A NULL-terminated <c>char**</c> of UTF-8 strings in native memory, owned by us (GDAL only reads it: the
/// <c>*OptionsNew</c> functions and open/creation options copy what they need).
/// </summary>
internal sealed unsafe class Utf8StringList : IDisposable
{
    private byte** _items;
    private readonly int _count;

    public Utf8StringList(IEnumerable<string> items)
    {
        var list = items as IReadOnlyList<string> ?? items.ToList();
        _count = list.Count;
        _items = (byte**)NativeMemory.AllocZeroed((nuint)(_count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < _count; i++)
        {
            var s = list[i] ?? throw new ArgumentException("null item in string list", nameof(items));
            var len = Encoding.UTF8.GetByteCount(s);
            var p = (byte*)NativeMemory.Alloc((nuint)len + 1);
            Encoding.UTF8.GetBytes(s, new Span<byte>(p, len));
            p[len] = 0;
            _items[i] = p;
        }
    }

    public IntPtr Pointer => _items == null ? throw new ObjectDisposedException(nameof(Utf8StringList)) : (IntPtr)_items;

    public void Dispose()
    {
        if (_items == null) return;
        for (var i = 0; i < _count; i++) NativeMemory.Free(_items[i]);
        NativeMemory.Free(_items);
        _items = null;
    }
}
