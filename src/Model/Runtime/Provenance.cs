using System.Reflection;
using TorchSharp;

namespace Verify.Model.Runtime;

/// <summary>
/// Where a set of numbers came from: the source (commit and whether the working tree had changes
/// when it was built), the libraries (TorchSharp and the libtorch it loads), the machine (device,
/// CPU model, how the step's products are computed and the <see cref="StepOps.SwitchVariable"/>
/// switch), and the run seed and judges' rules where the output has them. Every output file of
/// `reproduce` carries one: report.md, claims.json and the metadata of every Parquet file.
/// </summary>
/// <param name="Commit">The git commit the program was built from (40 hex digits), or "unknown" for a build outside git.</param>
/// <param name="Dirty">True when the build's working tree had uncommitted changes to tracked files; null when unknown.</param>
/// <param name="TorchsharpVersion">The TorchSharp assembly's version.</param>
/// <param name="LibtorchVersion">The libtorch package version TorchSharp loads.</param>
/// <param name="Device">The device the runs used ("cpu", "cuda:0").</param>
/// <param name="BlasPath">How the step's products are computed in this process (<see cref="TorchRuntime.BatchedProducts"/>).</param>
/// <param name="DirectBlasSwitch">The value of <see cref="StepOps.SwitchVariable"/> ("unset" when not set).</param>
/// <param name="CpuModel">The processor's model name (/proc/cpuinfo), or the OS description where that cannot be read.</param>
/// <param name="RunSeed">The run seed of the output, where it has one.</param>
/// <param name="RulesVersion">The judges' rules' version (<see cref="Rules.Version"/>), where the output holds verdicts.</param>
/// <param name="RulesHash">The judges' rules' hash (<see cref="Rules.Hash"/>), where the output holds verdicts.</param>
public sealed record Provenance(
    string Commit,
    bool? Dirty,
    string TorchsharpVersion,
    string LibtorchVersion,
    string Device,
    string BlasPath,
    string DirectBlasSwitch,
    string CpuModel,
    long? RunSeed,
    string? RulesVersion,
    string? RulesHash)
{
    /// <summary>The metadata key the build stamps the dirty flag under (Verify.Model.csproj).</summary>
    public const string DirtyMetadataKey = "SourceDirty";

    /// <summary>The provenance of this process; <paramref name="withRules"/> adds the rules' version and hash (outputs that hold verdicts).</summary>
    public static Provenance OfThisProcess(long? runSeed, bool withRules)
    {
        TorchRuntime.EnsureInitialized();
        var assembly = typeof(Provenance).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var dirty = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == DirtyMetadataKey)?.Value;
        return new Provenance(
            Commit: plus >= 0 ? version[(plus + 1)..] : "unknown",
            Dirty: bool.TryParse(dirty, out var d) ? d : null,
            TorchsharpVersion: typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            LibtorchVersion: torch.__version__,
            Device: TorchRuntime.DefaultDevice.ToString(),
            BlasPath: TorchRuntime.BatchedProducts,
            DirectBlasSwitch: Environment.GetEnvironmentVariable(StepOps.SwitchVariable) is { Length: > 0 } s ? s : "unset",
            CpuModel: ReadCpuModel(),
            RunSeed: runSeed,
            RulesVersion: withRules ? Rules.Version : null,
            RulesHash: withRules ? Rules.Hash : null);
    }

    /// <summary>The processor's model name from /proc/cpuinfo, or the OS description where there is none.</summary>
    public static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.OSDescription;
    }
}
