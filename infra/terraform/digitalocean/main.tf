# A PBX droplet that enrolls its Gatehouse agent on first boot.
# The enrollment token comes from `gatehouse servers add` (valid 24 h, single use).
# Not exercised in CI: there is no DigitalOcean API here. `terraform validate` checks it.
terraform {
  required_providers {
    digitalocean = { source = "digitalocean/digitalocean", version = "~> 2.40" }
  }
}

variable "name" {
  type = string
}
variable "region" {
  type = string
  default = "nyc3"
}
variable "size" {
  type = string
  default = "s-1vcpu-2gb"
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

resource "digitalocean_droplet" "pbx" {
  name     = var.name
  region   = var.region
  size     = var.size
  image    = "debian-12-x64"
  ssh_keys = var.ssh_key_ids
  user_data = templatefile("${path.module}/../../cloud-init/gatehouse-agent.yaml.tftpl", {
    gatehouse_url    = var.gatehouse_url
    enrollment_token = var.enrollment_token
  })
}

output "ipv4_address" { value = digitalocean_droplet.pbx.ipv4_address }
