using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Verify.Model.Evidence;

namespace Verify.Model.Sweeps;

/// <summary>A results/ file that `collect` refuses, and why.</summary>
public sealed record RefusedFile(string Path, string Reason)
{
    public override string ToString() => $"'{Path}': {Reason}";
}

/// <summary>What a sweep folder holds, line by line of its manifest.</summary>
/// <param name="Done">Results by manifest index, checked against their manifest line.</param>
/// <param name="Failed">Failures of runs that have no result, by manifest index.</param>
/// <param name="Missing">Indices without a result (failed ones included), ascending.</param>
/// <param name="Refused">Files in results/ that are not a result of this manifest: corrupt, cut short, or foreign.</param>
/// <param name="Temporary">Temporary files left by tasks killed while writing (never read as results).</param>
public sealed record SweepScan(
    IReadOnlyDictionary<int, SweepResult> Done,
    IReadOnlyDictionary<int, SweepFailure> Failed,
    IReadOnlyList<int> Missing,
    IReadOnlyList<RefusedFile> Refused,
    IReadOnlyList<string> Temporary);
