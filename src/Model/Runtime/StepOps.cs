namespace Verify.Model.Runtime;

/// <summary>
/// Chooses the step's operations (<see cref="IStepOps"/>) for a kernel, once: the direct CPU path for
/// CPU tensors where this process has host pointers and nobody turned it off
/// (<see cref="SwitchVariable"/>=off), the reference (libtorch's operators) everywhere else.
/// </summary>
internal static class StepOps
{
    /// <summary>Environment variable that turns the direct path off for a process (<c>off</c>): the reference then does every operation. <c>mkl</c> keeps it but leaves every product to MKL (<see cref="SmallGemm.MklOnly"/>).</summary>
    public const string SwitchVariable = "VERIFY_DIRECT_BLAS";

    /// <summary>libtorch's operators: on every device and dtype.</summary>
    public static IStepOps Reference { get; } = new TorchStepOps();

    /// <summary>The direct CPU path, or null where this process has no host pointers (<see cref="DirectUnavailable"/>).</summary>
    public static IStepOps? Direct { get; }

    /// <summary>Why <see cref="Direct"/> is null, or null when it is not.</summary>
    public static string? DirectUnavailable { get; }

    /// <summary>True when <see cref="SwitchVariable"/>=off chose the reference for this process.</summary>
    public static bool SwitchedOff { get; } = string.Equals(Environment.GetEnvironmentVariable(SwitchVariable)?.Trim(), "off", StringComparison.OrdinalIgnoreCase);

    static readonly AsyncLocal<IStepOps?> chosen = new();

    static StepOps()
    {
        DirectUnavailable = HostMemory.Unavailable;
        if (DirectUnavailable is null) Direct = new DirectStepOps(Reference);
    }

    /// <summary>True when CPU kernels of this process take the direct path (`verify info` and `bench` say which).</summary>
    public static bool DirectOnCpu => Direct is not null && !SwitchedOff;

    /// <summary>The operations for a kernel whose tensors live on <paramref name="device"/>: what <see cref="Using"/> chose in this scope, else the direct path on the CPU where <see cref="DirectOnCpu"/>, else the reference.</summary>
    public static IStepOps For(TorchSharp.torch.Device device) =>
        chosen.Value ?? (DirectOnCpu && device.type == TorchSharp.DeviceType.CPU ? Direct! : Reference);

    /// <summary>Within the returned scope (this thread and the work it starts), <see cref="For"/> answers <paramref name="ops"/>: the comparisons of the two paths in the tests.</summary>
    public static IDisposable Using(IStepOps ops)
    {
        var before = chosen.Value;
        chosen.Value = ops;
        return new Restore(before);
    }

    sealed class Restore(IStepOps? before) : IDisposable
    {
        public void Dispose() => chosen.Value = before;
    }
}
