namespace ReleaseOps
{
    /// <summary>A file written by Export-TerraformConfiguration (or Export-AnsibleInventory, Export-AnsiblePlaybook).</summary>
    public sealed class ExportedFile
    {
        /// <summary>The file's full path.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Terraform, AnsibleInventory or AnsiblePlaybook.</summary>
        public string Format { get; set; } = string.Empty;

        /// <summary>The resources (Terraform) or hosts (Ansible) it declares.</summary>
        public int Items { get; set; }

        /// <summary>The import blocks it holds (Terraform).</summary>
        public int Imports { get; set; }

        /// <summary>Written, or WouldWrite (with -WhatIf).</summary>
        public FileWriteStatus Status { get; set; }

        /// <inheritdoc />
        public override string ToString() => Path;
    }
}
