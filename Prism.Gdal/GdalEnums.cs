namespace Prism.Gdal;

/// <summary>GDAL pixel data types (<c>GDALDataType</c>, GDAL 3.6 values).</summary>
public enum GdalDataType
{
    Unknown = 0,
    Byte = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Float64 = 7,
    CInt16 = 8,
    CInt32 = 9,
    CFloat32 = 10,
    CFloat64 = 11,
    UInt64 = 12,
    Int64 = 13,
    Int8 = 14,
}

/// <summary>Band colour interpretation (<c>GDALColorInterp</c>).</summary>
public enum ColorInterpretation
{
    Undefined = 0,
    Gray = 1,
    Palette = 2,
    Red = 3,
    Green = 4,
    Blue = 5,
    Alpha = 6,
    Hue = 7,
    Saturation = 8,
    Lightness = 9,
    Cyan = 10,
    Magenta = 11,
    Yellow = 12,
    Black = 13,
    YCbCrY = 14,
    YCbCrCb = 15,
    YCbCrCr = 16,
}

public static class GdalDataTypes
{
    /// <summary>True for the floating point types (real or complex).</summary>
    public static bool IsFloatingPoint(this GdalDataType t) =>
        t is GdalDataType.Float32 or GdalDataType.Float64 or GdalDataType.CFloat32 or GdalDataType.CFloat64;

    /// <summary>True for the integer types other than Byte.</summary>
    public static bool IsWideInteger(this GdalDataType t) =>
        t is GdalDataType.UInt16 or GdalDataType.Int16 or GdalDataType.UInt32 or GdalDataType.Int32 or GdalDataType.UInt64
            or GdalDataType.Int64 or GdalDataType.Int8 or GdalDataType.CInt16 or GdalDataType.CInt32;

    /// <summary>GDAL's name of a type ("Byte", "UInt16", "Float32", …).</summary>
    public static string Name(this GdalDataType t) => t.ToString();

    internal static GdalDataType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(byte) ? GdalDataType.Byte
        : typeof(T) == typeof(ushort) ? GdalDataType.UInt16
        : typeof(T) == typeof(short) ? GdalDataType.Int16
        : typeof(T) == typeof(uint) ? GdalDataType.UInt32
        : typeof(T) == typeof(int) ? GdalDataType.Int32
        : typeof(T) == typeof(float) ? GdalDataType.Float32
        : typeof(T) == typeof(double) ? GdalDataType.Float64
        : typeof(T) == typeof(sbyte) ? GdalDataType.Int8
        : typeof(T) == typeof(ulong) ? GdalDataType.UInt64
        : typeof(T) == typeof(long) ? GdalDataType.Int64
        : throw new NotSupportedException($"no GDAL data type for {typeof(T).Name}");
}
