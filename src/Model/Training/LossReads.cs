using TorchSharp;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// When <see cref="SgdTrainer"/> reads the step losses to the host. On the CPU a read is free (the
/// losses are host memory already), so every step's losses are read and a non-finite one stops its
/// trial at once, as always. On a device (CUDA) a read waits for the device to finish its queue, so
/// the steps' losses stay on the device, and are read once per epoch, at its end: k =
/// <see cref="SgdOptions.ItersPerEpoch"/> steps. A trial whose loss turned non-finite during the epoch
/// is then stopped with the step and the last finite loss it would have stopped with reading every
/// step; its weights, already non-finite, took the epoch's remaining steps. The stop checks (the
/// end-of-epoch measurement) read once per measured epoch on every device.
/// </summary>
public static class LossReads
{
    static readonly ScopedSwitch asOnADevice = new();

    [ThreadStatic] static long hostReads;

    /// <summary>
    /// Reads of training numbers to the host by the trainer on this thread so far: one per step whose
    /// losses were read, one per window of steps read together, and one per end-of-epoch measurement.
    /// </summary>
    public static long HostReads => hostReads;

    /// <summary>Within the returned scope the trainer reads losses as it does on a device, whatever the device (tests run that path on the CPU).</summary>
    internal static IDisposable AsOnADevice() => asOnADevice.Raise();

    /// <summary>Steps whose losses are read together for students on <paramref name="device"/>, with <paramref name="itersPerEpoch"/> steps an epoch: 1 on the CPU, the epoch on a device.</summary>
    public static int Window(Device device, int itersPerEpoch)
    {
        if (itersPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(itersPerEpoch), itersPerEpoch, $"Iterations per epoch must be >= 1; got {itersPerEpoch}.");
        return device.type == DeviceType.CPU && !asOnADevice.IsRaised ? 1 : itersPerEpoch;
    }

    internal static void Count() => hostReads++;
}
