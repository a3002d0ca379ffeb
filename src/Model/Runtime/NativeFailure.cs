using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Verify.Model.Runtime;

/// <summary>
/// Turns an exception raised by libtorch into one line that names the TorchSharp operation and the
/// suite's method that called it. TorchSharp reports a native c10 error as an
/// <see cref="ExternalException"/> whose message is pages of C++ frames; what a reader needs is
/// "THSTensor_add_ failed in TeacherAware.Inputs: Expected false to be true ... toDouble".
/// </summary>
public static class NativeFailure
{
    /// <summary>True when <paramref name="error"/> (or an exception inside it) came from libtorch.</summary>
    public static bool IsNative(Exception error) => Innermost(error) is ExternalException or SEHException;

    /// <summary>One line: the TorchSharp member that failed, our caller, and the first line of the message.</summary>
    public static string Describe(Exception error)
    {
        var inner = Innermost(error);
        var frames = new StackTrace(inner, false).GetFrames();
        // The innermost TorchSharp frame is usually CheckForErrors, which only rethrows; the operation is the next one out.
        var torch = frames.Select(f => f.GetMethod()).FirstOrDefault(m =>
            m?.DeclaringType?.Namespace?.StartsWith("TorchSharp", StringComparison.Ordinal) == true && m.Name != "CheckForErrors");
        var ours = frames.Select(f => f.GetMethod()).FirstOrDefault(m => m?.DeclaringType?.Namespace?.StartsWith("Verify", StringComparison.Ordinal) == true);
        var message = inner.Message.Split('\n', 2)[0].Trim();
        var where = torch is null ? "" : $" in {Name(torch)}";
        var caller = ours is null ? "" : $" called from {Name(ours)}";
        var kind = IsNative(inner) ? "native libtorch error" : inner.GetType().Name;
        return $"{kind}{where}{caller}: {message}";
    }

    static string Name(System.Reflection.MethodBase method) => $"{method.DeclaringType?.Name}.{method.Name}";

    static Exception Innermost(Exception error)
    {
        while (true)
        {
            switch (error)
            {
                case AggregateException { InnerExceptions.Count: > 0 } aggregate: error = aggregate.InnerExceptions[0]; break;
                case TrialFailedException { InnerException: { } cause }: error = cause; break;
                default: return error;
            }
        }
    }
}

/// <summary>One trial of a parallel run failed; the message names the trial and the failing operation.</summary>
public sealed class TrialFailedException(string message, Exception inner) : Exception(message, inner);
