# A PBX instance on Vultr that enrolls its Gatehouse agent on first boot.
# Not exercised in CI: there is no Vultr API here. `terraform validate` checks it.
terraform {
  required_providers {
    vultr = { source = "vultr/vultr", version = "~> 2.21" }
  }
}

variable "label" {
  type = string
}
variable "region" {
  type = string
  default = "ewr"
}
variable "plan" {
  type = string
  default = "vc2-1c-2gb"
}
variable "ssh_key_ids" {
  type = list(string)
  default = []
}
variable "gatehouse_url" {
  type = string
}
variable "enrollment_token" {
  type      = string
  sensitive = true
}

resource "vultr_instance" "pbx" {
  label       = var.label
  region      = var.region
  plan        = var.plan
  os_id       = 2136 # Debian 12 x64
  ssh_key_ids = var.ssh_key_ids
  user_data = templatefile("${path.module}/../../cloud-init/gatehouse-agent.yaml.tftpl", {
    gatehouse_url    = var.gatehouse_url
    enrollment_token = var.enrollment_token
  })
}

output "main_ip" { value = vultr_instance.pbx.main_ip }
