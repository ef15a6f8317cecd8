using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation.Language;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>Reads a .psd1 data file with PowerShell's parser: constant values only, nothing runs.</summary>
    internal static class PowerShellDataFile
    {
        /// <summary>The file's hashtable, and the line of each top-level key.</summary>
        public static (IDictionary Values, Dictionary<string, int> KeyLines) Read(string file, string example)
        {
            var ast = Parser.ParseFile(file, out _, out var errors);
            if (errors.Length > 0)
            {
                var e = errors[0];
                throw new ReleaseOpsException(ErrorIds.DataFileParseError, FailureCategory.InvalidData,
                    $"{file}:{e.Extent.StartLineNumber}: {e.Message}", $"Fix the syntax; the file is a PowerShell data file: {example}.", file);
            }

            var statements = ast.EndBlock?.Statements;
            var table = statements is { Count: 1 } && statements[0] is PipelineAst { PipelineElements: { Count: 1 } } p
                && p.PipelineElements[0] is CommandExpressionAst { Expression: HashtableAst h } ? h : null;
            if (table is null || ast.BeginBlock is not null || ast.ProcessBlock is not null || ast.ParamBlock is not null)
            {
                throw new ReleaseOpsException(ErrorIds.DataFileParseError, FailureCategory.InvalidData,
                    $"{file}: the file must hold one hashtable and nothing else.", $"Write it as {example}.", file);
            }

            object value;
            try
            {
                value = table.SafeGetValue();
            }
            catch (InvalidOperationException ex)
            {
                throw new ReleaseOpsException(ErrorIds.DataFileNotConstant, FailureCategory.SecurityError,
                    $"{file}: {ex.Message}", "Use only constant values: strings, numbers, $true, $false, $null, @() and @{}. The file is read, never run.", file, ex);
            }

            var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in table.KeyValuePairs)
            {
                if (pair.Item1 is StringConstantExpressionAst key)
                {
                    lines[key.Value] = key.Extent.StartLineNumber;
                }
            }

            return ((IDictionary)value, lines);
        }
    }
}
