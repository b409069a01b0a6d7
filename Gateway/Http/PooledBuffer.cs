using System.Buffers;

namespace Prism.Gateway.Http;

/// <summary>
/// A growing byte buffer over arrays rented from <see cref="ArrayPool{T}.Shared"/>, written through
/// <see cref="IBufferWriter{T}"/> (Utf8JsonWriter) or <see cref="AsStream"/> (XmlWriter). Response documents of a few
/// hundred kB would otherwise be built in fresh arrays that land on the large-object heap on every request. Dispose
/// returns the array; use <see cref="WriteToAsync"/> to send the bytes and give the array back.
/// </summary>
public sealed class PooledBuffer(int initialCapacity = 16 * 1024) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);
    public int WrittenCount => _written;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>A write-only stream appending to this buffer (not owning it).</summary>
    public Stream AsStream() => new AppendStream(this);

    /// <summary>Sends the written bytes as the response body (status, type and length set), then returns the array.</summary>
    public async Task WriteToAsync(Microsoft.AspNetCore.Http.HttpContext ctx, string contentType, int status = 200, bool cache = false)
    {
        try
        {
            await Ows.OwsHttp.WriteBodyAsync(ctx, WrittenMemory, contentType, status, cache);
        }
        finally
        {
            Dispose();
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint) return;
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
        _buffer.AsSpan(0, _written).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }

    public void Dispose()
    {
        var rented = _buffer;
        _buffer = [];
        _written = 0;
        if (rented.Length > 0) ArrayPool<byte>.Shared.Return(rented);
    }

    private sealed class AppendStream(PooledBuffer owner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => owner.WrittenCount;
        public override long Position { get => owner.WrittenCount; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            buffer.CopyTo(owner.GetSpan(buffer.Length));
            owner.Advance(buffer.Length);
        }

        public override void WriteByte(byte value) => Write([value]);
    }
}
