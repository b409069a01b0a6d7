using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>
/// GDAL's error handler. Installed once by <see cref="GdalRuntime.EnsureInitialized"/>, it keeps GDAL from writing to
/// stderr: warnings and failures are collected per thread (GDAL reports an error on the thread that made the failing
/// call) so that the wrapper that made the call can turn them into a <see cref="GdalException"/>. Messages raised on
/// GDAL's own worker threads are passed to <see cref="GdalRuntime.MessageLogged"/> only.
/// </summary>
internal static class GdalErrors
{
    private const int MaxKept = 64;

    [ThreadStatic] private static List<GdalMessage>? t_messages;

    public static unsafe void Install() => GdalNative.CPLSetErrorHandler(&OnError);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(int errClass, int errNo, IntPtr msg)
    {
        try
        {
            if (errClass == GdalNative.CE_Debug || errClass == GdalNative.CE_None) return;
            var message = new GdalMessage((GdalErrorClass)errClass, errNo, Marshal.PtrToStringUTF8(msg) ?? "");
            var list = t_messages ??= [];
            if (list.Count < MaxKept) list.Add(message);
            GdalRuntime.RaiseMessage(message);
        }
        catch
        {
            // Never let an exception cross back into native code.
        }
    }

    /// <summary>Clears this thread's collected messages and GDAL's last error before a call.</summary>
    public static void Reset()
    {
        t_messages?.Clear();
        GdalNative.CPLErrorReset();
    }

    /// <summary>Messages collected on this thread since the last <see cref="Reset"/>.</summary>
    public static IReadOnlyList<GdalMessage> Collected => t_messages is { Count: > 0 } l ? l.ToArray() : [];

    /// <summary>The most useful failure text: GDAL's last error message, else the first collected failure.</summary>
    public static (string Text, int Number) LastFailure()
    {
        var text = GdalNative.Str(GdalNative.CPLGetLastErrorMsg());
        var number = GdalNative.CPLGetLastErrorNo();
        if (string.IsNullOrWhiteSpace(text) && t_messages is { Count: > 0 } l)
        {
            var failure = l.FirstOrDefault(m => m.Class >= GdalErrorClass.Failure) ?? l[0];
            return (failure.Text, failure.ErrorNumber);
        }
        return (text ?? "", number);
    }

    /// <summary>Builds the exception for a failed call, with GDAL's message.</summary>
    public static GdalException Exception(string what, bool invalidInput = false)
    {
        var (text, number) = LastFailure();
        var messages = Collected;
        var firstFailure = messages.FirstOrDefault(m => m.Class >= GdalErrorClass.Failure);
        var detail = string.IsNullOrWhiteSpace(text) ? "unknown GDAL error" : text;
        // The first failure usually names the root cause (e.g. the libtiff read error); the last one the consequence.
        if (firstFailure is not null && !string.IsNullOrWhiteSpace(firstFailure.Text) && firstFailure.Text != detail)
            detail = $"{detail} (first error: {firstFailure.Text})";
        var message = $"{what}: {detail}";
        return invalidInput
            ? new InvalidRasterException(message, number, messages)
            : new GdalException(message, number, messages);
    }

    /// <summary>Throws when a CPLErr return is a failure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(int cplErr, string what)
    {
        if (cplErr >= GdalNative.CE_Failure) throw Exception(what);
    }
}
