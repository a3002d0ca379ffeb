using TorchSharp;
using Verify.Model.Runtime;

namespace Verify.Cli;

/// <summary>`verify info`: what this machine gives the suite.</summary>
static class Info
{
    public static int Run(string? device)
    {
        TorchRuntime.EnsureInitialized();
        var resolved = TorchRuntime.ResolveDevice(device);
        Console.WriteLine($"TorchSharp        {typeof(torch).Assembly.GetName().Version}");
        Console.WriteLine($"native library    loaded (LD_PRELOAD: {Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "not needed"})");
        Console.WriteLine($"MKL kernels       chosen {TorchRuntime.MklDispatch}");
        Console.WriteLine($"batched products  {TorchRuntime.BatchedProducts}");
        Console.WriteLine($"intra-op threads  {torch.get_num_threads()}");
        Console.WriteLine($"CUDA available    {TorchRuntime.CudaAvailable}");
        Console.WriteLine($"device            {resolved}");
        Console.WriteLine($"processors        {Environment.ProcessorCount}");
        return 0;
    }
}
